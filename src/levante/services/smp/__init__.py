"""MCUmgr's SMP server: the image and OS management groups over UDP and the console."""
