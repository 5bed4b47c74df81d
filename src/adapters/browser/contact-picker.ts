/*
 * The Contact Picker API (Chrome on Android): the member picks people from the phone's address book
 * and the browser hands over only what was asked for. Feature-detected: elsewhere `supported` is
 * false and the import screen does not offer it.
 */

export type PickedPerson = { readonly name: readonly string[]; readonly tel: readonly string[]; readonly email: readonly string[] };

export type ContactPicker = {
  readonly supported: boolean;
  /** The people picked; [] when the member closed the picker without choosing. */
  readonly pick: () => Promise<PickedPerson[]>;
};

type ContactsManager = {
  select(properties: string[], options: { multiple: boolean }): Promise<{ name?: string[]; tel?: string[]; email?: string[] }[]>;
  getProperties?(): Promise<string[]>;
};

export function createContactPicker(): ContactPicker {
  const manager = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { contacts?: ContactsManager }).contacts;
  const supported = manager !== undefined && typeof manager.select === 'function' && typeof window !== 'undefined' && 'ContactsManager' in window;
  return {
    supported,
    async pick() {
      if (!manager) return [];
      const available = (await manager.getProperties?.()) ?? ['name', 'tel', 'email'];
      const wanted = ['name', 'tel', 'email'].filter((property) => available.includes(property));
      const people = await manager.select(wanted, { multiple: true });
      return people.map((person) => ({ name: person.name ?? [], tel: person.tel ?? [], email: person.email ?? [] }));
    },
  };
}
