package com.layerlab.app.ui;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.account.SecurityConfig;
import com.layerlab.app.account.SignInTarget;
import com.layerlab.app.ui.components.MyWorkTabs;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.contextmenu.MenuItem;
import com.vaadin.flow.component.contextmenu.SubMenu;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Header;
import com.vaadin.flow.component.html.Nav;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.menubar.MenuBar;
import com.vaadin.flow.component.menubar.MenuBarVariant;
import com.vaadin.flow.router.AfterNavigationEvent;
import com.vaadin.flow.router.AfterNavigationObserver;
import com.vaadin.flow.router.Location;
import com.vaadin.flow.router.RouterLayout;
import com.vaadin.flow.spring.security.AuthenticationContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The frame around every page: the LayerLab name, the navigation between the views and who is signed
 * in ("Sign in", or the user's name with a menu: account, sign out). On a narrow screen the stylesheet
 * hides the navigation behind the menu button, which opens and closes it.
 */
public class MainLayout extends Div implements RouterLayout, AfterNavigationObserver {

    private final Div content = new Div();
    private final Header header = new Header();
    private final Button menu = new Button(VaadinIcon.MENU.create());
    private final List<Anchor> links;
    /** "Sign in", for an anonymous visitor; null when signed in. */
    private final Anchor signIn;

    public MainLayout(CurrentOwner owner, AuthenticationContext authentication) {
        addClassName("ll-app");
        header.addClassName("ll-header");
        Div brand = new Div();
        brand.addClassName("ll-brand");
        Span mark = new Span();
        mark.addClassName("ll-logo");
        Span name = new Span("LayerLab");
        name.addClassName("ll-name");
        Span tagline = new Span("Neural networks you can watch learn");
        tagline.addClassName("ll-tagline");
        brand.add(mark, name, tagline);

        Anchor playground = link("", "Playground");
        Anchor compare = link("compare", "Compare activations");
        Anchor cnn = link("cnn", "CNN lab");
        Anchor convolution = link("convolution", "Convolution");
        // one link for a learner's own things; their pages share MyWorkTabs
        Anchor mine = link(MyWorkTabs.PAGES.get(0).path(), "My work");
        Anchor gallery = link("gallery", "Gallery");
        // classes: anyone joins with a code; only teachers run them (the server checks that again)
        Anchor join = link("join", "Join a class");
        join.setId("ll-nav-join");
        List<Anchor> all = new ArrayList<>(List.of(playground, compare, cnn, convolution, mine, gallery, join));
        if (owner.isTeacher()) {
            Anchor teach = link("teach", "Teach");
            teach.setId("ll-nav-teach");
            all.add(teach);
        }
        links = List.copyOf(all);
        Nav nav = new Nav(links.toArray(Anchor[]::new));
        nav.addClassName("ll-nav");
        nav.setId("ll-nav");
        menu.setId("ll-menu");
        menu.addClassName("ll-menu");
        menu.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ICON);
        menu.setAriaLabel("Menu");
        menu.getElement().setAttribute("aria-controls", "ll-nav");
        menu.addClickListener(e -> showMenu(!header.hasClassName("ll-menu-open")));
        showMenu(false);
        signIn = owner.username().isPresent() ? null : signInLink();
        Component account = signIn != null ? signIn : userMenu(owner.username().get(), authentication);
        header.add(brand, nav, account, menu);

        content.addClassName("ll-content");
        add(header, content);
    }

    /**
     * "Sign in", returning to this page afterwards ({@link SignInTarget}). Its address is set at each
     * navigation; pages that keep their state in the address bar change it without one, so at the click
     * the link takes the address as it is then (the sign-in page checks it again, whatever it is).
     */
    private static Anchor signInLink() {
        Anchor a = new Anchor(SecurityConfig.SIGN_IN_PATH, "Sign in");
        a.setId("ll-signin");
        a.addClassName("ll-account");
        a.getElement().executeJs("this.addEventListener('click', () => {"
                + " if (this.dataset.back !== 'page') return;"
                + " const here = location.pathname + location.search;"
                + " this.href = here === '/' ? $0 : $0 + '?' + $1 + '=' + encodeURIComponent(here.length <= $2 ? here : location.pathname); })",
                SecurityConfig.SIGN_IN_PATH, SignInTarget.PARAMETER, SignInTarget.MAX_LENGTH);
        return a;
    }

    /** The user's name (as text: whatever they typed is shown, never interpreted) opening their menu. */
    private static Component userMenu(String username, AuthenticationContext authentication) {
        MenuBar bar = new MenuBar();
        bar.setId("ll-user");
        bar.addClassName("ll-account");
        bar.addThemeVariants(MenuBarVariant.LUMO_TERTIARY, MenuBarVariant.LUMO_DROPDOWN_INDICATORS);
        Span name = new Span(username);
        name.addClassName("ll-user-name");
        MenuItem item = bar.addItem(name);
        item.setAriaLabel("Signed in as " + username);
        SubMenu sub = item.getSubMenu();
        sub.addItem("Account", e -> e.getSource().getUI().ifPresent(ui -> ui.navigate(SecurityConfig.ACCOUNT_PATH)))
                .setId("ll-user-account");
        sub.addItem("Sign out", e -> authentication.logout()).setId("ll-user-signout");
        return bar;
    }

    private void showMenu(boolean open) {
        header.setClassName("ll-menu-open", open);
        menu.getElement().setAttribute("aria-expanded", String.valueOf(open));
    }

    private static Anchor link(String href, String text) {
        Anchor a = new Anchor(href, text);
        // navigate inside the page (no reload), like RouterLink, without a compile-time tie to the target view
        a.getElement().setAttribute("router-link", true);
        a.getElement().setAttribute("data-path", href);
        return a;
    }

    @Override
    public void showRouterLayoutContent(com.vaadin.flow.component.HasElement view) {
        content.getElement().removeAllChildren();
        if (view != null) {
            content.getElement().appendChild(view.getElement());
        }
    }

    @Override
    public void afterNavigation(AfterNavigationEvent event) {
        Location location = event.getLocation();
        String path = location.getPath();
        if (signIn != null) {
            signIn.setHref(SignInTarget.link(SecurityConfig.SIGN_IN_PATH, SignInTarget.from(path,
                    location.getQueryParameters().getQueryString(), location.getQueryParameters().getParameters())));
            signIn.getElement().setAttribute("data-back", SignInTarget.returnsToPage(path) ? "page" : "kept");
        }
        for (Anchor a : links) {
            String href = a.getElement().getAttribute("data-path");
            boolean active = href.equals(path) || href.equals(MyWorkTabs.PAGES.get(0).path()) && MyWorkTabs.contains(path)
                    || !href.isEmpty() && path.startsWith(href + "/"); // a class's pages: /join/ABCDEF, /teach/ABCDEF
            a.getElement().setAttribute("aria-current", active ? "page" : "false");
            a.setClassName("active", active);
        }
        showMenu(false);
    }
}
