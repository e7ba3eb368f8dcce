"""The PySide6 screens of the counter. Nothing here touches the database: screens call services through
view-models, and anything slower than a keystroke runs in a worker thread (:mod:`counter_app.ui.workers`)."""
