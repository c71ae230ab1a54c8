// Regenerates the embedded Lua scripts so `jest` alone sees the current .lua files.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async () => {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'embed-lua.mjs')], { stdio: 'inherit' });
};
