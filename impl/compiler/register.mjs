// `node --import ./impl/compiler/register.mjs ...` or import it first: installs loader.mjs.
import { register } from 'node:module';
register('./loader.mjs', import.meta.url);
