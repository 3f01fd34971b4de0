"""Sub-commands of `levante` that live beside the core ones in `levante.cli`.

Each module defines one click command; `levante.cli` registers it. Shared exit codes and
the one-line error report come from `levante.commands.support`.
"""
