"""`--net user`: the rootless user-mode link, a built-in gateway relaying through host sockets."""
