package dev.vigil.scheduler.console;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/**
 * Serves the operations page (static, shipped in the jar: no CDN; it reads and changes everything
 * through the API) and its sign-in form (a plain HTML form with the CSRF token, usable without
 * JavaScript and from the keyboard; above it a link to the OpenID Connect provider's sign-in, when
 * there is one).
 */
@Controller
class ConsoleController {

    private final OidcProperties oidc;

    ConsoleController(OidcProperties oidc) {
        this.oidc = oidc;
    }

    @GetMapping({"/admin", "/admin/", ConsoleSignIn.PAGE})
    String page() {
        return "forward:/admin/operations.html";
    }

    @GetMapping(value = "/login", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    String login(HttpServletRequest request) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        String provider = HtmlUtils.htmlEscape(oidc.displayName());
        String notice = request.getParameter("error") != null ? alert("Wrong username or password.")
                : request.getParameter("norole") != null ? alert(provider + " signed you in, but gave you no role in Vigil: ask its "
                        + "administrator to set the claim <code>" + HtmlUtils.htmlEscape(oidc.roleClaim())
                        + "</code> to VIEWER, OPERATOR or ADMIN for you.")
                : request.getParameter("noname") != null ? alert(provider + " signed you in, but gave no name Vigil can record (claim <code>"
                        + HtmlUtils.htmlEscape(oidc.usernameClaim()) + "</code>, <code>email</code> or <code>sub</code>).")
                : request.getParameter("provider") != null ? alert("Signing in with " + provider + " did not work; try again, or sign in with a password.")
                : request.getParameter("logout") != null ? "<p role=\"status\">Signed out.</p>" : "";
        String withProvider = !oidc.enabled() ? ""
                : "<p><a id=\"provider-signin\" href=\"" + ProviderSignIn.START + "\">Sign in with " + provider + "</a></p><p>Or with a password:</p>";
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Sign in to Vigil</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/admin/operations.css"></head>
                <body><main class="signin"><section><h1>Sign in to Vigil</h1>%s%s
                <form method="post" action="/login">
                <label>Username <input name="username" id="username" autocomplete="username" required autofocus></label>
                <label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
                <input type="hidden" name="%s" value="%s">
                <button type="submit" id="signin">Sign in</button>
                </form></section></main></body></html>
                """.formatted(notice, withProvider, HtmlUtils.htmlEscape(csrf.getParameterName()), HtmlUtils.htmlEscape(csrf.getToken()));
    }

    private static String alert(String html) {
        return "<p class=\"error\" role=\"alert\">" + html + "</p>";
    }
}
