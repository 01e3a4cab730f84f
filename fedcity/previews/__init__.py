"""Link preview cards: which link gets a card, fetching the page, reading its metadata. Not ActivityPub."""
