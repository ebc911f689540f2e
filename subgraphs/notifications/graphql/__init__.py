"""The notifications GraphQL layer: Notification, User.notifications and devMailbox, thin."""
