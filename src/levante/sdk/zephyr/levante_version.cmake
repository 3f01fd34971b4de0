# The Zephyr release whose API and build conventions Levante follows.
set(LEVANTE_ZEPHYR_VERSION 4.1.0)
