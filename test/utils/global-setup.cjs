// Regenerates the embedded Lua scripts and dashboard assets so `jest` alone sees the current sources.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async () => {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'embed-lua.mjs')], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'embed-dashboard.mjs')], { stdio: 'inherit' });
};
