"""Reading measured data: column and unit detection (more readers arrive with the GITT and
GCD-fitting issues)."""
