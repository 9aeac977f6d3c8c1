"""Helpers of the DataPipes (argument checks, file streams)."""
