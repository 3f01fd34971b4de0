/* The case runner the attack suites share (tests/target/attack_common). */
#include "../../attack_common/runner.c"
