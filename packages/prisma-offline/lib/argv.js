'use strict';
// Parses the argv the Prisma CLI gives the native schema-engine binary:
//   RPC server:   [--datamodels <file>]... [--datasource <json>]
//                 [--enabled-preview-features a,b] [--extension-types <json>]
//   one-shot:     --datasource '{"url":"..."}' cli <can-connect-to-database|create-database|drop-database>
//   version:      --version

function parseArgv(argv) {
  const out = {
    datamodels: [],
    datasource: undefined,
    previewFeatures: [],
    extensionTypes: undefined,
    version: false,
    help: false,
    cliCommand: undefined,
    unknown: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '-d':
      case '--datamodels':
        out.datamodels.push(value());
        break;
      case '--datasource':
        out.datasource = JSON.parse(value());
        break;
      case '--enabled-preview-features':
        out.previewFeatures = String(value()).split(',').filter(Boolean);
        break;
      case '--extension-types':
        out.extensionTypes = JSON.parse(value());
        break;
      case '-V':
      case '--version':
        out.version = true;
        break;
      case '-h':
      case '--help':
        out.help = true;
        break;
      case 'cli':
        out.cliCommand = argv[++i];
        break;
      default:
        out.unknown.push(arg);
    }
  }
  return out;
}

module.exports = { parseArgv };
