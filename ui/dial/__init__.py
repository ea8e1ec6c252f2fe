"""The Dial tab: a number that is not a lead, typed or keyed on a dial pad."""
