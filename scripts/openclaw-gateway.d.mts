export declare const OPENCLAW_VERSION: string;
export declare const NODE24_VERSION: string;
export declare const OPENCLAW_HOME: string;
export declare const NODE24: string;
export declare const OPENCLAW: string;
export declare function gatewayEnvironment(dir: string, configPath?: string): Record<string, string>;
