"""The store's repositories, one per concern; :class:`~guidance_assistant.store.services.Store`
combines them behind one facade."""
