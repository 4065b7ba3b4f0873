import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

/** The repository's top-level folder a path is in ('' for a file at the root). */
function topFolder(file) {
  const relative = path.relative(root, file);
  return relative.includes(path.sep) ? relative.split(path.sep)[0] : '';
}

const MESSAGES = {
  shop: 'The suite reaches the shop as a black box (HTTP, Kafka, mail, its tables): never import shop/. Shared shapes belong in contracts/.',
  'payment-gateway': 'The payment gateway is a separate service: reach it over HTTP (fixtures/payments), never import payment-gateway/.',
};

/**
 * `boundaries/no-import-into`: a relative import that lands in one of the `folders` is an error,
 * unless the importing file is in that folder itself. Resolving the path (instead of matching the
 * import's text) tells `environment/payment-gateway.ts` from the `payment-gateway/` service.
 */
const noImportInto = {
  meta: {
    type: 'problem',
    schema: [{ type: 'object', properties: { folders: { type: 'array', items: { type: 'string' } } }, additionalProperties: false }],
  },
  create(context) {
    const folders = context.options[0]?.folders ?? [];
    const own = topFolder(context.filename);
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = topFolder(path.resolve(path.dirname(context.filename), source));
      if (target !== own && folders.includes(target)) {
        context.report({ node, message: `Import of ${source}: ${MESSAGES[target] ?? `never import ${target}/ from here.`}` });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => check(node, node.source?.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0]?.value);
      },
    };
  },
};

export default { rules: { 'no-import-into': noImportInto } };
