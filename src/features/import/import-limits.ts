/** Files larger than this are refused before they are read (a phone's whole address book is a few MB). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_FILE_LABEL = '20 MB';
