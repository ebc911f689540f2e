// A guest's cart id: the id the cart subgraph issued on the first addToCart, sent back as
// X-Cart-Id until sign-in merges it into the user's cart (mergeGuestCart).

const KEY = "storefront.guestCartId";

export const guestCart = {
  id(storage: Storage = window.localStorage): string | null {
    return storage.getItem(KEY);
  },
  remember(id: string, storage: Storage = window.localStorage): void {
    storage.setItem(KEY, id);
  },
  forget(storage: Storage = window.localStorage): void {
    storage.removeItem(KEY);
  },
};
