"""Identification from data, without simulation: OCP fitting (GITT and CV analysis to come)."""
