"""Batch analytics jobs of Riverbed."""
