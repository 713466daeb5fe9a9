"""Identity documents of applicants: number formats, checksums and the facts a number encodes (REG-ID)."""
