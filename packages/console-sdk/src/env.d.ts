/** What the console's bundler (Vite) defines: the base URL the console is served under (`/admin/`). */
declare global {
  interface ImportMetaEnv {
    readonly BASE_URL: string;
  }
  interface ImportMeta {
    readonly env: ImportMetaEnv;
  }
}
export {};
