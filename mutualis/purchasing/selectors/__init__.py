"""Split by area; import the submodule you need."""
