// Replaced by the mini-program branch.
