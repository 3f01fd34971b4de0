"""Sans-IO protocol codecs: bytes in → typed packets out, typed packets → bytes.

One module per protocol. Every malformed input raises one error from the codec's own
subclass of `CodecError` (`levante.codecs.errors`); no codec performs I/O or allocates
beyond its configured limits, whatever the lengths in the input claim.
"""
