// Where the home's configuration lives, and the copy aos runs on while the owner's is broken.
export const CONFIG_FILE = 'aos.yaml';

/** The last aos.yaml that validated, kept by the tick; local to the device like the rest of .aos/. */
export const LAST_GOOD_CONFIG = '.aos/last-good-aos.yaml';

export const BAD_CONFIG_HELP = 'see docs/recovery.md#bad-aosyaml';

/** Said of a broken aos.yaml wherever it is reported. */
export const BAD_CONFIG_HINT = `aos.yaml is not committed until it validates; meanwhile aos runs on ${LAST_GOOD_CONFIG} if it has one; ${BAD_CONFIG_HELP}`;
