export declare const TYPES_PATH: string;
export declare function generateTypes(query: (sql: string) => Promise<Record<string, unknown>[]>): Promise<string>;
