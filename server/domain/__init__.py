"""Pure domain logic: value sets, the ticket status machine, the work order.

Nothing in this package does I/O or reads the clock: time comes in as an argument.
"""
