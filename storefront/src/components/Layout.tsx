// The page frame: skip link, navigation (with the cart's size), the signed-in user, the page.
import { useQuery } from "@apollo/client";
import type { ReactNode } from "react";
import { Link, NavLink, useNavigate } from "react-router-dom";
import { useAccount } from "../auth/account";
import { useSession } from "../auth/session";
import { CartViewDocument } from "../gql/graphql";

export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { signOut } = useAccount();
  const navigate = useNavigate();
  const { data } = useQuery(CartViewDocument);
  const count = data?.cart?.items.reduce((sum, item) => sum + item.quantity, 0) ?? 0;
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <Link to="/" className="brand">federated-shop</Link>
        <nav aria-label="Main">
          <NavLink to="/">Catalogue</NavLink>
          <NavLink to="/cart">Cart (<span data-testid="cart-count">{count}</span>)</NavLink>
          {session && <NavLink to="/orders">Orders</NavLink>}
          {session && <NavLink to="/notifications">Notifications</NavLink>}
          {session?.user.roles.includes("admin") && <NavLink to="/admin">Ship orders</NavLink>}
          {session ? (
            <>
              <span className="who">Signed in as {session.user.fullName}</span>
              <button type="button" onClick={() => signOut().then(() => navigate("/"))}>
                Sign out
              </button>
            </>
          ) : (
            <>
              <NavLink to="/login">Sign in</NavLink>
              <NavLink to="/register">Register</NavLink>
            </>
          )}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
    </>
  );
}
