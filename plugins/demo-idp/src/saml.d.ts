// The `saml` package (auth0/node-saml) ships no types; only what the demo IdPs and the WS-Fed tests use (one copy: the root tsconfig checks both).
declare module 'saml' {
  interface AssertionOptions {
    key: string | Buffer;
    cert: string | Buffer;
    issuer?: string;
    uid?: string;
    lifetimeInSeconds?: number;
    audiences?: string | string[];
    recipient?: string;
    attributes?: Record<string, string | string[]>;
    inResponseTo?: string;
    sessionIndex?: string;
    nameIdentifier?: string;
    nameIdentifierFormat?: string;
    signatureAlgorithm?: 'rsa-sha256' | 'rsa-sha1';
    digestAlgorithm?: 'sha256' | 'sha1';
    signatureNamespacePrefix?: string;
  }
  interface AssertionFactory {
    create(options: AssertionOptions): string;
    createUnsignedAssertion(options: Omit<AssertionOptions, 'key' | 'cert'>): string;
  }
  const saml: { Saml11: AssertionFactory; Saml20: AssertionFactory };
  export default saml;
}
