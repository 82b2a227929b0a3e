"""The portal's pages, by what they show."""
