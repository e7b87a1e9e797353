"""Community-led commissioning: projects (analyse → plan → do → review), opportunities, bids,
evaluation panels, awards and contracts. `scoring.py`, `standstill.py` and `vat.py` are pure
(no Django) so analysts can run the same arithmetic from the command line."""
