/** The names containerd's processes go by: pure constants, shared by target discovery and the probes' kernel filters. */

/** containerd's comm (and its binary's name). */
export const CONTAINERD_COMM = 'containerd';
/** The runc v2 shim's binary. */
export const SHIM_BIN = 'containerd-shim-runc-v2';
/** The shim's comm: the kernel keeps the first 15 characters of the binary's name. */
export const SHIM_COMM = 'containerd-shim';
