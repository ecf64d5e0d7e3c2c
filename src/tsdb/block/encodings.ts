/** Encoding bytes of chunk records in a block's chunk file (see docs/format/block.md). */
export const ENCODING_XOR = 1;
export const ENCODING_DENSE = 2;
