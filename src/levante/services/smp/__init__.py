"""MCUmgr's SMP server: the image, OS and statistics groups over UDP and the console."""
