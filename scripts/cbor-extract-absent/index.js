// cbor-x loads cbor-extract inside try/catch and falls back to its JavaScript decoder.
throw new Error('cbor-extract is not installed: cbor-x decodes in JavaScript.');
