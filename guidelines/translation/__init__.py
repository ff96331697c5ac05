"""Translation: segments, translation memory, PO import and export, base-text snapshots."""
