"""Reports for the team lead: charts of the calls (pyqtgraph), loaded when first opened."""
