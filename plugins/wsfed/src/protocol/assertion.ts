import type { Element } from '@xmldom/xmldom';
import { AmbiguousElementError, NS, childElements, parseDateTime, singleChild, textOf } from './xml.js';
import type { WsFedStep } from './types.js';

/** What the relying party needs from a *verified* SAML 1.1 or 2.0 assertion. */
export interface AssertionData {
  samlVersion: '1.1' | '2.0';
  assertionId: string;
  issuer?: string;
  issueInstant?: Date;
  notBefore?: Date;
  notOnOrAfter?: Date;
  /** One entry per AudienceRestriction(Condition); each must name the realm. */
  audienceRestrictions: string[][];
  nameId?: string;
  nameIdFormat?: string;
  confirmations: SubjectConfirmation[];
  attributes: Record<string, string[]>;
}

export interface SubjectConfirmation {
  method: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  recipient?: string;
}

export const BEARER = ['urn:oasis:names:tc:SAML:2.0:cm:bearer', 'urn:oasis:names:tc:SAML:1.0:cm:bearer'];

export class AssertionError extends Error {
  constructor(
    readonly step: WsFedStep,
    message: string,
  ) {
    super(message);
    this.name = 'AssertionError';
  }
}

export function readAssertion(assertion: Element, samlVersion: '1.1' | '2.0'): AssertionData {
  const ns = samlVersion === '1.1' ? NS.saml11 : NS.saml20;
  if (assertion.localName !== 'Assertion' || assertion.namespaceURI !== ns) {
    throw new AssertionError('token', `verified element is not a SAML ${samlVersion} Assertion`);
  }
  try {
    return samlVersion === '1.1' ? readSaml11(assertion) : readSaml20(assertion);
  } catch (error) {
    if (error instanceof AmbiguousElementError) throw new AssertionError('token', `assertion has ${error.message}`);
    throw error;
  }
}

function readSaml11(assertion: Element): AssertionData {
  const ns = NS.saml11;
  if (assertion.getAttribute('MajorVersion') !== '1' || assertion.getAttribute('MinorVersion') !== '1') {
    throw new AssertionError('token', 'SAML 1.x assertion is not version 1.1');
  }
  const conditions = singleChild(assertion, ns, 'Conditions');
  const audienceRestrictions = conditions ? childElements(conditions, ns, 'AudienceRestrictionCondition').map((c) => audiences(c, ns)) : [];

  // SAML 1.1 repeats the Subject in every statement; they must agree or the subject is ambiguous.
  const statements = childElements(assertion, ns).filter((e) => e.localName?.endsWith('Statement'));
  const subjects = statements.map((s) => singleChild(s, ns, 'Subject')).filter((s): s is Element => s !== undefined);
  if (subjects.length === 0) throw new AssertionError('subject', 'assertion has no Subject');
  const names = subjects.map((s) => singleChild(s, ns, 'NameIdentifier'));
  const nameIds = new Set(names.map((n) => textOf(n) ?? ''));
  if (nameIds.size > 1) throw new AssertionError('subject', 'statements disagree about the subject');
  const nameIdElement = names[0];

  const confirmations: SubjectConfirmation[] = [];
  for (const subject of subjects) {
    const confirmation = singleChild(subject, ns, 'SubjectConfirmation');
    for (const method of confirmation ? childElements(confirmation, ns, 'ConfirmationMethod') : []) {
      confirmations.push({ method: textOf(method) ?? '' });
    }
  }

  const attributes: Record<string, string[]> = {};
  for (const statement of childElements(assertion, ns, 'AttributeStatement')) {
    for (const attribute of childElements(statement, ns, 'Attribute')) {
      // ADFS splits the claim type URI into AttributeNamespace + "/" + AttributeName.
      const name = attribute.getAttribute('AttributeName') ?? '';
      const namespace = attribute.getAttribute('AttributeNamespace') ?? '';
      if (name === '') continue;
      addValues(attributes, namespace === '' ? name : `${namespace}/${name}`, attribute, ns);
    }
  }

  return {
    samlVersion: '1.1',
    assertionId: requiredId(assertion.getAttribute('AssertionID')),
    ...opt('issuer', assertion.getAttribute('Issuer')?.trim() || undefined),
    ...opt('issueInstant', date(assertion.getAttribute('IssueInstant'), 'IssueInstant')),
    ...opt('notBefore', date(conditions?.getAttribute('NotBefore'), 'NotBefore')),
    ...opt('notOnOrAfter', date(conditions?.getAttribute('NotOnOrAfter'), 'NotOnOrAfter')),
    audienceRestrictions,
    ...opt('nameId', textOf(nameIdElement)),
    ...opt('nameIdFormat', nameIdElement?.getAttribute('Format') || undefined),
    confirmations,
    attributes,
  };
}

function readSaml20(assertion: Element): AssertionData {
  const ns = NS.saml20;
  if (assertion.getAttribute('Version') !== '2.0') throw new AssertionError('token', 'SAML 2 assertion is not version 2.0');
  const conditions = singleChild(assertion, ns, 'Conditions');
  const audienceRestrictions = conditions ? childElements(conditions, ns, 'AudienceRestriction').map((c) => audiences(c, ns)) : [];

  const subject = singleChild(assertion, ns, 'Subject');
  if (!subject) throw new AssertionError('subject', 'assertion has no Subject');
  if (singleChild(subject, ns, 'EncryptedID')) throw new AssertionError('subject', 'encrypted NameID is not supported');
  const nameIdElement = singleChild(subject, ns, 'NameID');
  const confirmations = childElements(subject, ns, 'SubjectConfirmation').map((c): SubjectConfirmation => {
    const data = singleChild(c, ns, 'SubjectConfirmationData');
    return {
      method: c.getAttribute('Method') ?? '',
      ...opt('notBefore', date(data?.getAttribute('NotBefore'), 'SubjectConfirmationData NotBefore')),
      ...opt('notOnOrAfter', date(data?.getAttribute('NotOnOrAfter'), 'SubjectConfirmationData NotOnOrAfter')),
      ...opt('recipient', data?.getAttribute('Recipient') || undefined),
    };
  });

  const attributes: Record<string, string[]> = {};
  for (const statement of childElements(assertion, ns, 'AttributeStatement')) {
    for (const attribute of childElements(statement, ns, 'Attribute')) {
      const name = attribute.getAttribute('Name') ?? '';
      if (name !== '') addValues(attributes, name, attribute, ns);
    }
  }

  return {
    samlVersion: '2.0',
    assertionId: requiredId(assertion.getAttribute('ID')),
    ...opt('issuer', textOf(singleChild(assertion, ns, 'Issuer'))),
    ...opt('issueInstant', date(assertion.getAttribute('IssueInstant'), 'IssueInstant')),
    ...opt('notBefore', date(conditions?.getAttribute('NotBefore'), 'NotBefore')),
    ...opt('notOnOrAfter', date(conditions?.getAttribute('NotOnOrAfter'), 'NotOnOrAfter')),
    audienceRestrictions,
    ...opt('nameId', textOf(nameIdElement)),
    ...opt('nameIdFormat', nameIdElement?.getAttribute('Format') || undefined),
    confirmations,
    attributes,
  };
}

function audiences(restriction: Element, ns: string): string[] {
  return childElements(restriction, ns, 'Audience')
    .map((a) => textOf(a))
    .filter((a): a is string => a !== undefined);
}

function addValues(target: Record<string, string[]>, type: string, attribute: Element, ns: string): void {
  const values = childElements(attribute, ns, 'AttributeValue')
    .filter((v) => v.getAttributeNS(NS.xsi, 'nil') !== 'true')
    .map((v) => textOf(v))
    .filter((v): v is string => v !== undefined);
  // Object.hasOwn: a claim type named "__proto__" must not reach the prototype.
  const existing = Object.hasOwn(target, type) ? target[type]! : [];
  Object.defineProperty(target, type, { value: [...existing, ...values], enumerable: true, writable: true, configurable: true });
}

function requiredId(value: string | null): string {
  const id = value?.trim();
  if (!id) throw new AssertionError('token', 'assertion has no ID');
  return id;
}

function date(value: string | null | undefined, what: string): Date | undefined {
  const parsed = parseDateTime(value);
  if (parsed === 'invalid') throw new AssertionError('time', `${what} is not a valid UTC timestamp`);
  return parsed;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
