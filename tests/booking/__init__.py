"""Tests of consultation booking."""
