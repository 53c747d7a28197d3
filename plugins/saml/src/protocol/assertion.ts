import { CM_BEARER, ENTITY_FORMAT, SAML_NS } from './constants.js';
import { describeTime, optionalSamlText, sameUrl, timeAttribute } from './checks.js';
import { childElements, strictText, type Element } from './xml.js';
import { refuse, SamlValidationError, type SamlConnectionConfig } from './types.js';

export interface AssertionFacts {
  assertionId: string;
  issuer: string;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  /** InResponseTo of the bearer SubjectConfirmationData that was accepted (null if absent). */
  inResponseTo: string | null;
  /** Latest instant at which the assertion could still be accepted (replay-cache expiry). */
  validUntil: Date;
}

interface Clock {
  now: Date;
  skewMs: number;
}

/**
 * Checks one assertion that has already been verified (or decrypted from a verified response)
 * and reads the subject. Only direct children are read, so nothing inside `<Advice>` counts.
 */
export function checkAssertion(assertion: Element, config: SamlConnectionConfig, clock: Clock): AssertionFacts {
  if (assertion.getAttribute('Version') !== '2.0') refuse('assertion', 'assertion Version is not 2.0');
  const assertionId = assertion.getAttribute('ID') ?? '';
  if (assertionId === '') refuse('assertion', 'assertion has no ID');

  const issuerElement = childElements(assertion, SAML_NS.assertion, 'Issuer');
  if (issuerElement.length !== 1) refuse('issuer', 'assertion must have exactly one Issuer');
  const format = (issuerElement[0] as Element).getAttribute('Format');
  if (format && format !== ENTITY_FORMAT) refuse('issuer', `assertion Issuer has format ${format}`);
  const issuer = optionalSamlText(assertion, 'Issuer', 'issuer') ?? '';
  if (issuer !== config.idpEntityId) {
    refuse('issuer', `issuer mismatch: expected ${config.idpEntityId} got ${issuer || '(empty)'}`);
  }

  const subject = readSubject(assertion);
  const confirmation = checkBearerConfirmation(subject.element, config, clock);
  const conditionsEnd = checkConditions(assertion, config, clock);
  const sessionIndex = checkAuthnStatements(assertion, clock);

  const validUntil = new Date(Math.max(confirmation.notOnOrAfter.getTime(), conditionsEnd?.getTime() ?? 0) + clock.skewMs);
  return {
    assertionId,
    issuer,
    nameId: subject.nameId,
    nameIdFormat: subject.format,
    sessionIndex,
    inResponseTo: confirmation.inResponseTo,
    validUntil,
  };
}

function readSubject(assertion: Element): { element: Element; nameId: string; format: string | null } {
  const subjects = childElements(assertion, SAML_NS.assertion, 'Subject');
  if (subjects.length !== 1) refuse('subject', `assertion must have exactly one Subject, found ${subjects.length}`);
  const subject = subjects[0] as Element;
  if (childElements(subject, SAML_NS.assertion, 'EncryptedID').length > 0) refuse('subject', 'encrypted NameID is not supported');
  if (childElements(subject, SAML_NS.assertion, 'BaseID').length > 0) refuse('subject', 'BaseID subjects are not supported');
  const nameIds = childElements(subject, SAML_NS.assertion, 'NameID');
  if (nameIds.length !== 1) refuse('subject', `Subject must have exactly one NameID, found ${nameIds.length}`);
  const nameIdElement = nameIds[0] as Element;
  let nameId: string;
  try {
    nameId = strictText(nameIdElement).trim();
  } catch {
    return refuse('subject', 'NameID must contain plain text only');
  }
  if (nameId === '') refuse('subject', 'NameID is empty');
  return { element: subject, nameId, format: nameIdElement.getAttribute('Format') || null };
}

function checkBearerConfirmation(
  subject: Element,
  config: SamlConnectionConfig,
  clock: Clock,
): { notOnOrAfter: Date; inResponseTo: string | null } {
  const bearers = childElements(subject, SAML_NS.assertion, 'SubjectConfirmation').filter(
    (confirmation) => confirmation.getAttribute('Method') === CM_BEARER,
  );
  if (bearers.length === 0) refuse('subject', 'assertion has no bearer SubjectConfirmation');
  let firstFailure: SamlValidationError | undefined;
  for (const bearer of bearers) {
    try {
      return checkConfirmationData(bearer, config, clock);
    } catch (error) {
      if (!(error instanceof SamlValidationError)) throw error;
      firstFailure ??= error;
    }
  }
  throw firstFailure as SamlValidationError;
}

function checkConfirmationData(bearer: Element, config: SamlConnectionConfig, clock: Clock) {
  const data = childElements(bearer, SAML_NS.assertion, 'SubjectConfirmationData');
  if (data.length !== 1) refuse('subject', 'bearer SubjectConfirmation must have one SubjectConfirmationData');
  const scd = data[0] as Element;
  const recipient = scd.getAttribute('Recipient');
  if (!recipient) refuse('recipient', 'SubjectConfirmationData has no Recipient');
  if (!sameUrl(recipient, config.acsUrl)) refuse('recipient', `recipient mismatch: expected ${config.acsUrl} got ${recipient}`);
  const notOnOrAfter = timeAttribute(scd, 'NotOnOrAfter');
  if (!notOnOrAfter) refuse('time', 'SubjectConfirmationData has no NotOnOrAfter');
  if (clock.now.getTime() - clock.skewMs >= notOnOrAfter.getTime()) {
    refuse('time', `subject confirmation expired at ${describeTime(notOnOrAfter)} (now ${describeTime(clock.now)})`);
  }
  const notBefore = timeAttribute(scd, 'NotBefore');
  if (notBefore && clock.now.getTime() + clock.skewMs < notBefore.getTime()) {
    refuse('time', `subject confirmation not valid before ${describeTime(notBefore)} (now ${describeTime(clock.now)})`);
  }
  return { notOnOrAfter, inResponseTo: scd.getAttribute('InResponseTo') || null };
}

function checkConditions(assertion: Element, config: SamlConnectionConfig, clock: Clock): Date | null {
  const all = childElements(assertion, SAML_NS.assertion, 'Conditions');
  if (all.length > 1) refuse('assertion', 'assertion has several Conditions');
  const conditions = all[0];
  if (!conditions) {
    if (!config.allowMissingAudience) refuse('audience', 'assertion has no Conditions / AudienceRestriction');
    return null;
  }
  const notBefore = timeAttribute(conditions, 'NotBefore');
  if (notBefore && clock.now.getTime() + clock.skewMs < notBefore.getTime()) {
    refuse('time', `assertion not valid before ${describeTime(notBefore)} (now ${describeTime(clock.now)})`);
  }
  const notOnOrAfter = timeAttribute(conditions, 'NotOnOrAfter');
  if (notOnOrAfter && clock.now.getTime() - clock.skewMs >= notOnOrAfter.getTime()) {
    refuse('time', `assertion expired at ${describeTime(notOnOrAfter)} (now ${describeTime(clock.now)})`);
  }
  const restrictions = childElements(conditions, SAML_NS.assertion, 'AudienceRestriction');
  if (restrictions.length === 0 && !config.allowMissingAudience) refuse('audience', 'assertion has no AudienceRestriction');
  // Every AudienceRestriction must name us (they are ANDed, SAML core 2.5.1.4).
  for (const restriction of restrictions) {
    const audiences = childElements(restriction, SAML_NS.assertion, 'Audience').map((a) => strictText(a).trim());
    if (!audiences.includes(config.spEntityId)) {
      refuse('audience', `audience mismatch: expected ${config.spEntityId} got ${audiences.join(', ') || '(none)'}`);
    }
  }
  return notOnOrAfter;
}

function checkAuthnStatements(assertion: Element, clock: Clock): string | null {
  const statements = childElements(assertion, SAML_NS.assertion, 'AuthnStatement');
  if (statements.length === 0) refuse('assertion', 'assertion has no AuthnStatement');
  for (const statement of statements) {
    const sessionEnd = timeAttribute(statement, 'SessionNotOnOrAfter');
    if (sessionEnd && clock.now.getTime() - clock.skewMs >= sessionEnd.getTime()) {
      refuse('time', `IdP session ended at ${describeTime(sessionEnd)}`);
    }
  }
  return (statements[0] as Element).getAttribute('SessionIndex') || null;
}
