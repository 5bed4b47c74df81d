import { LIMITS } from './limits';

/** What the forms and the server say when a value breaks a limit of limits.ts (the same words on both sides). */
export const MESSAGES = {
  tooLong: (label: string, max: number) => `${label} can be at most ${max} characters`,
  firstNameRequired: 'First name is required',
  phoneChars: 'Phone can contain digits, spaces, +, -, ( and ) only',
  phoneDigits: `Phone needs at least ${LIMITS.contact.phoneMinDigits} digits`,
  email: 'Enter an email like name@example.com',
  tag: `Each tag can be at most ${LIMITS.contact.tag} characters, and not empty`,
  tags: `At most ${LIMITS.contact.tags} tags`,
  phonesCount: `At most ${LIMITS.contact.points} phone numbers`,
  emailsCount: `At most ${LIMITS.contact.points} email addresses`,
  phoneRequired: 'Enter a phone number or remove this line',
  emailRequired: 'Enter an email address or remove this line',
  stage: 'Choose a stage from the list',
  contactType: 'Choose customer path or business path',
  templateName: 'Give the template a name',
  templateBody: 'Write the message',
  channel: 'Choose email, text message or WhatsApp',
  timezone: 'Choose a time zone like Europe/London',
  year: `Dates must be between the years ${LIMITS.years.min} and ${LIMITS.years.max}`,
  password: `Passwords have ${LIMITS.password.min} to ${LIMITS.password.max} characters.`,
  weakPassword: `Choose a longer password (at least ${LIMITS.password.min} characters).`,
} as const;
