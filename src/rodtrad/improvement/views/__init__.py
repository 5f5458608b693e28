"""The improvement pages, one module per part of the loop: events, duties, actions and complaints,
proposals and learnings, trends, and the Min sida sections."""
