// hbs 4 ships no types; this is the part of its API the app uses.
declare module 'hbs' {
  import type Handlebars from 'handlebars';

  interface Hbs {
    handlebars: typeof Handlebars;
    registerPartials(directory: string, done?: (err?: Error) => void): void;
    registerHelper: typeof Handlebars.registerHelper;
  }
  const hbs: Hbs;
  export default hbs;
}
