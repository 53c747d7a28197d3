export class XmlSecurityError extends Error {
    code;
    constructor(code, message, options) {
        super(message, options);
        this.name = 'XmlSecurityError';
        this.code = code;
    }
}
export function isXmlSecurityError(error) {
    return error instanceof XmlSecurityError;
}
