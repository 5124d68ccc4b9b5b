# The module, not the class: Django takes any AppConfig class in apps.py for a candidate.
from ops import site_apps


class CommentsConfig(site_apps.SiteAppConfig):
    name = "comments"
    public_content = True

    def ready(self):
        import moderation
        from comments import decision_links, spam_rules
        from comments.models import Comment
        from comments.moderators import CommentModerator
        from moderation import spam_rules as shared_rules

        moderation.register(Comment, CommentModerator)
        if spam_rules.too_many_links not in shared_rules.RULES:
            shared_rules.RULES.append(spam_rules.too_many_links)
        # The signed links of moderators' mail, for every kind (served by comments:decide).
        moderation.registry.use_decision_links(
            decision_links.decision_url, decision_links.DECISIONS
        )
