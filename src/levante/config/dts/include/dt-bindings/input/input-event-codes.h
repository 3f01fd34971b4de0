/* Input event codes a button node reports (`zephyr,code`), with the values Linux and
 * Zephyr use for the same keys. */
#ifndef LEVANTE_DT_BINDINGS_INPUT_EVENT_CODES_H
#define LEVANTE_DT_BINDINGS_INPUT_EVENT_CODES_H

#define INPUT_KEY_1 2
#define INPUT_KEY_2 3
#define INPUT_KEY_3 4
#define INPUT_KEY_4 5
#define INPUT_KEY_5 6
#define INPUT_KEY_0 11
#define INPUT_KEY_ENTER 28
#define INPUT_KEY_A 30
#define INPUT_KEY_B 48
#define INPUT_BTN_0 0x100
#define INPUT_BTN_1 0x101

#endif
