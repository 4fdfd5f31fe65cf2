! Fixture for `cont import-auto` (written for this project; the problem is AUTO-07p's demo enz):
! two reactors coupled by diffusion, each with a substrate-inhibited enzyme reaction.
! s0 = PAR(1) (feed), mu = PAR(2) (asymmetry of the feed), rho = PAR(3), kappa = PAR(4).
      SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
      IMPLICIT NONE
      INTEGER NDIM,ICP(*),IJAC
      DOUBLE PRECISION U(NDIM),PAR(*),F(NDIM),DFDU(NDIM,*),DFDP(NDIM,*)
      DOUBLE PRECISION s,r1,r2
! the rate s/(1 + s + kappa s^2) in each reactor (the same local, assigned twice)
      s=U(1)
      r1=s/(1+s+PAR(4)*s**2)
      s=U(2)
      r2=s/(1+s+PAR(4)*s**2)
      F(1)=(PAR(1)-U(1))+(U(2)-U(1))-PAR(3)*r1
      F(2)=(PAR(1)+PAR(2)-U(2))+(U(1)-U(2))-PAR(3)*r2
      END SUBROUTINE FUNC

      SUBROUTINE STPNT(NDIM,U,PAR,T)
      IMPLICIT NONE
      INTEGER NDIM
      DOUBLE PRECISION U(NDIM),PAR(*),T
      PAR(1)=0.D0
      PAR(2)=0.D0
      PAR(3)=100.D0
      PAR(4)=1.D0
      U(1)=0.D0
      U(2)=0.D0
      END SUBROUTINE STPNT
