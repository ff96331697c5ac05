"""The guideline workbench: European guidelines in, approved Flemish guidance out."""

from pathlib import Path

from flask import Flask

from guidelines.config import check_config, load_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, commands, error handlers."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_mapping(load_config(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)
    check_config(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if proxies := app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )

    from guidelines import database, request_checks, search, web

    database.init_app(app)
    web.init_app(app)
    request_checks.init_app(app)
    search.init_app(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from guidelines.accounts.views import bp as accounts_bp
    from guidelines.adaptation.views import bp as adaptation_bp
    from guidelines.api import adaptations as _adaptations  # noqa: F401  (registers routes)
    from guidelines.api import library as _library  # noqa: F401  (registers routes)
    from guidelines.api import openapi as _openapi  # noqa: F401  (registers routes)
    from guidelines.api import review as _review  # noqa: F401  (registers routes)
    from guidelines.api import search as _search  # noqa: F401  (registers routes)
    from guidelines.api import translations as _translations  # noqa: F401  (registers routes)
    from guidelines.api.blueprint import bp as api_bp
    from guidelines.library.views import bp as library_bp
    from guidelines.portal.views import bp as portal_bp
    from guidelines.review.review_views import bp as review_flow_bp
    from guidelines.review.views import bp as review_bp
    from guidelines.search.views import bp as search_bp
    from guidelines.translation.views import bp as translation_bp

    app.register_blueprint(library_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(adaptation_bp)
    app.register_blueprint(translation_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(review_flow_bp)
    app.register_blueprint(search_bp)


def _register_commands(app: Flask) -> None:
    from guidelines.accounts.commands import users_cli
    from guidelines.archive.commands import archive_cli
    from guidelines.demo.commands import demo_cli
    from guidelines.library.commands import guidelines_cli, networks_cli
    from guidelines.review.commands import review_cli
    from guidelines.search.commands import search_cli
    from guidelines.translation.commands import memory_cli, translations_cli

    for group in (
        guidelines_cli,
        networks_cli,
        users_cli,
        demo_cli,
        translations_cli,
        memory_cli,
        review_cli,
        search_cli,
        archive_cli,
    ):
        app.cli.add_command(group)
