import { childElements, strictText, type Element } from './xml.js';
import { SAML_NS, NAMEID_FORMATS } from './constants.js';
import { IDP_PRESETS, type IdpPresetId } from './presets.js';
import { refuse } from './types.js';

/** Custom names override the preset's; each field accepts one name or candidates in order. */
export interface AttributeMapping {
  preset?: IdpPresetId;
  email?: string | string[];
  givenName?: string | string[];
  familyName?: string | string[];
  groups?: string | string[];
}

export interface MappedProfile {
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  groups: string[];
}

/**
 * Attributes of the verified assertion's own AttributeStatements (never of assertions inside
 * `<Advice>`). A repeated attribute Name is refused: which value would win is ambiguous, and
 * ambiguity is what smuggling attacks exploit.
 */
export function readAttributes(assertion: Element): Record<string, string[]> {
  const attributes: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const statement of childElements(assertion, SAML_NS.assertion, 'AttributeStatement')) {
    for (const attribute of childElements(statement, SAML_NS.assertion, 'Attribute')) {
      const name = attribute.getAttribute('Name') ?? '';
      if (name === '') refuse('attributes', 'an Attribute has no Name');
      if (Object.prototype.hasOwnProperty.call(attributes, name)) {
        refuse('attributes', `attribute ${JSON.stringify(name)} appears more than once`);
      }
      const values: string[] = [];
      for (const valueElement of childElements(attribute, SAML_NS.assertion, 'AttributeValue')) {
        // Structured values (e.g. a NameID inside eduPersonTargetedID) are not plain strings: skip them.
        if (childElements(valueElement).length > 0) continue;
        const value = strictText(valueElement).trim();
        if (value !== '') values.push(value);
      }
      attributes[name] = values;
    }
  }
  return attributes;
}

function candidates(custom: string | string[] | undefined, preset: string[]): string[] {
  if (custom === undefined) return preset;
  return Array.isArray(custom) ? custom : [custom];
}

function first(attributes: Record<string, string[]>, names: string[]): string | null {
  for (const name of names) {
    const value = attributes[name]?.[0];
    if (value) return value;
  }
  return null;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function mapProfile(
  attributes: Record<string, string[]>,
  nameId: string,
  nameIdFormat: string | null,
  mapping: AttributeMapping = {},
): MappedProfile {
  const preset = IDP_PRESETS[mapping.preset ?? 'generic'];
  let email = first(attributes, candidates(mapping.email, preset.email));
  // IdPs configured with an email NameID often send no email attribute at all.
  if (!email && (nameIdFormat === NAMEID_FORMATS.emailAddress || nameIdFormat === null || nameIdFormat === NAMEID_FORMATS.unspecified)) {
    if (EMAIL_SHAPE.test(nameId)) email = nameId;
  }
  const groups = new Set<string>();
  for (const name of candidates(mapping.groups, preset.groups)) {
    for (const value of attributes[name] ?? []) groups.add(value);
  }
  return {
    email: email && EMAIL_SHAPE.test(email) ? email : null,
    givenName: first(attributes, candidates(mapping.givenName, preset.givenName)),
    familyName: first(attributes, candidates(mapping.familyName, preset.familyName)),
    groups: [...groups],
  };
}
