/**
 * Imported before react and ink (the first import of frontend.ts, which has no JSX so nothing
 * loads react/jsx-runtime ahead of it): the live view runs React's production build unless
 * NODE_ENV says otherwise. react and react/jsx-runtime must load under the same NODE_ENV. The development build (prop checks, component
 * timing for DevTools) doubled the time of every frame. Tests set NODE_ENV=test and keep it.
 */
process.env.NODE_ENV ??= 'production';
